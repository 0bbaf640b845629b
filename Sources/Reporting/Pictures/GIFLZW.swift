// The variable-length-code LZW of GIF (GIF89a, appendix F).

import Codecs

/// GIF's LZW compressor. With `m` the minimum code size (8 for a 256-colour palette):
///
/// ```
/// clear = 2^m, end = 2^m + 1, first free code = 2^m + 2, code width starts at m + 1 bits
/// codes are packed least significant bit first
/// ```
///
/// The stream starts with a clear code and ends with the end code. After emitting the `n`-th
/// code since the last clear (n = 0, 1, ...), a decoder holds `2^m + 2 + n` table entries
/// (it adds one entry per code except the first); the encoder widens its codes exactly when
/// that count reaches `2^width` (width < 12), which is when a decoder widens. When the
/// table holds 4096 entries the encoder emits a clear code (at 12 bits) and starts over.
///
/// Postconditions: the decoded stream equals `indices`; every code fits in 12 bits.
enum GIFLZW {
    static func compress(_ indices: [UInt8], minimumCodeSize m: Int) -> [UInt8] {
        let clear = 1 << m, end = clear + 1
        var writer = BitWriter()
        var width = m + 1
        var table: [Int: Int] = [:]
        // Codes a decoder has in its table after the codes emitted since the last clear.
        var decoderCount = clear + 2
        var emittedSinceClear = 0
        var nextCode = clear + 2

        func emit(_ code: Int) {
            writer.write(UInt32(code), width: width)
            if emittedSinceClear > 0 { decoderCount = min(4096, decoderCount + 1) }
            emittedSinceClear += 1
            if decoderCount == (1 << width), width < 12 { width += 1 }
        }
        func reset() {
            writer.write(UInt32(clear), width: width)
            table.removeAll(keepingCapacity: true)
            width = m + 1
            decoderCount = clear + 2
            emittedSinceClear = 0
            nextCode = clear + 2
        }

        reset()
        guard var prefix = indices.first.map(Int.init) else {
            writer.write(UInt32(end), width: width)
            return writer.finish()
        }
        for symbol in indices.dropFirst() {
            let key = prefix << 8 | Int(symbol)
            if let code = table[key] {
                prefix = code
                continue
            }
            emit(prefix)
            if nextCode < 4096 {
                table[key] = nextCode
                nextCode += 1
            } else {
                reset()
            }
            prefix = Int(symbol)
        }
        emit(prefix)
        writer.write(UInt32(end), width: width)
        return writer.finish()
    }
}
