/// `Conv` (2-D) lowered to one dense ``AffineLayer`` over the flat `C x H x W` input.
///
/// With input `x` of shape `[1, C, H, W]`, kernel `K` of shape `[M, C, kH, kW]`, optional
/// bias `b` of shape `[M]`, strides `(sH, sW)`, pads `(pTop, pLeft, pBottom, pRight)`:
/// ```
/// outH = floor((H + pTop + pBottom - kH) / sH) + 1      (outW likewise)
/// y[m, i, j] = b[m] + Σ_{c, u, v} K[m, c, u, v] * x[c, i*sH - pTop + u, j*sW - pLeft + v]
/// ```
/// where terms whose input position falls in the zero padding are dropped. Flattened
/// row-major, output `(m, i, j)` is row `(m*outH + i)*outW + j` and input `(c, h, w)` is
/// column `(c*H + h)*W + w`, so the dense matrix entry at that (row, column) is `K[m, c, u, v]`
/// (each pair occurs at most once because dilation is 1). The output shape is `[1, M, outH, outW]`.
///
/// Supported: `group = 1`, `dilations = 1`, `auto_pad` NOTSET (explicit `pads`), VALID,
/// SAME_UPPER and SAME_LOWER (total padding `max(0, (ceil(H/sH) - 1)*sH + kH - H)`, the odd
/// pixel at the end for SAME_UPPER, at the start for SAME_LOWER).
extension ONNXLowering {
    mutating func applyConv(_ node: ONNXNodeContext) throws {
        guard node.dataIndex == 0 else { throw node.invalid("the data must be input 0", fix: ONNXNodeContext.reexport) }
        guard shape.count == 4, shape[0] == 1 else {
            throw node.unsupported("data of shape \(shape)", supported: "2-D Conv on data of shape [1, C, H, W]")
        }
        let (channels, height, width) = (shape[1], shape[2], shape[3])
        let kernel = try node.weights(at: 1, role: "kernel")
        guard kernel.shape.count == 4, kernel.shape[1] == channels else {
            throw node.invalid(
                "kernel '\(kernel.name)' has shape \(kernel.shape) but the data has \(channels) channels",
                fix: ONNXNodeContext.reexport)
        }
        let (filters, kH, kW) = (kernel.shape[0], kernel.shape[2], kernel.shape[3])
        guard try node.int("group", default: 1) == 1 else {
            throw node.unsupported("group != 1", supported: "Conv with group = 1")
        }
        if let dilations = try node.ints("dilations"), dilations.contains(where: { $0 != 1 }) {
            throw node.unsupported("dilations \(dilations)", supported: "Conv with dilations 1")
        }
        if let kernelShape = try node.ints("kernel_shape"), kernelShape != [kH, kW] {
            throw node.invalid("kernel_shape \(kernelShape) disagrees with the kernel's shape \(kernel.shape)",
                               fix: ONNXNodeContext.reexport)
        }
        let strides = try node.ints("strides") ?? [1, 1]
        guard strides.count == 2, strides.allSatisfy({ $0 >= 1 }) else {
            throw node.invalid("strides \(strides) are not two positive numbers", fix: ONNXNodeContext.reexport)
        }
        let pads = try padding(node, input: [height, width], kernel: [kH, kW], strides: strides)
        let outH = (height + pads[0] + pads[2] - kH) / strides[0] + 1
        let outW = (width + pads[1] + pads[3] - kW) / strides[1] + 1
        guard height + pads[0] + pads[2] >= kH, width + pads[1] + pads[3] >= kW else {
            throw node.invalid("the kernel \([kH, kW]) is larger than the padded input", fix: ONNXNodeContext.reexport)
        }
        var bias = [Double](repeating: 0, count: filters)
        if let b = try node.constant(at: 2) {
            try node.requireFinite(b, role: "bias")
            guard b.values.count == filters else {
                throw node.invalid("bias '\(b.name)' has \(b.values.count) values for \(filters) filters",
                                   fix: ONNXNodeContext.reexport)
            }
            bias = b.values
        }
        let rows = filters * outH * outW, columns = channels * height * width
        try checkDenseSize(rows: rows, columns: columns, node)
        var weights = [Double](repeating: 0, count: rows * columns)
        var rowBias = [Double](repeating: 0, count: rows)
        for m in 0..<filters {
            for i in 0..<outH {
                for j in 0..<outW {
                    let row = (m * outH + i) * outW + j
                    rowBias[row] = bias[m]
                    for c in 0..<channels {
                        for u in 0..<kH {
                            let h = i * strides[0] - pads[0] + u
                            if h < 0 || h >= height { continue }
                            for v in 0..<kW {
                                let w = j * strides[1] - pads[1] + v
                                if w < 0 || w >= width { continue }
                                weights[row * columns + (c * height + h) * width + w] =
                                    kernel.values[((m * channels + c) * kH + u) * kW + v]
                            }
                        }
                    }
                }
            }
        }
        pieces.appendDense(AffineLayer(inputSize: columns, outputSize: rows, weights: weights, bias: rowBias))
        shape = [1, filters, outH, outW]
    }

    /// `[top, left, bottom, right]` from `pads` or `auto_pad`.
    private func padding(_ node: ONNXNodeContext, input: [Int], kernel: [Int], strides: [Int]) throws -> [Int] {
        let autoPad = node.attribute("auto_pad")?.s.map { String(decoding: $0, as: UTF8.self) } ?? "NOTSET"
        switch autoPad {
        case "NOTSET", "":
            let pads = try node.ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 < 1 << 20 }) else {
                throw node.invalid("pads \(pads) are not four non-negative numbers", fix: ONNXNodeContext.reexport)
            }
            return pads
        case "VALID":
            return [0, 0, 0, 0]
        case "SAME_UPPER", "SAME_LOWER":
            var begin = [0, 0], end = [0, 0]
            for axis in 0..<2 {
                let out = (input[axis] + strides[axis] - 1) / strides[axis]
                let total = max(0, (out - 1) * strides[axis] + kernel[axis] - input[axis])
                let small = total / 2, large = total - small
                (begin[axis], end[axis]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small)
            }
            return [begin[0], begin[1], end[0], end[1]]
        default:
            throw node.unsupported("auto_pad \(autoPad)", supported: "Conv with auto_pad NOTSET, VALID, SAME_UPPER or SAME_LOWER")
        }
    }
}
