// The self-contained HTML page on which people label generated images for the manual score.

import Foundation
import Sampling
import Support

/// A page showing generated images `G_c(x_i)`, each with the four ``ManualCategory`` choices
/// and a digit choice, and a Save button that downloads the ``ManualLabels`` file. Everything
/// is inline (PNG images as `data:` URIs, the script in the page): it works offline. The
/// intended classes are in the page's data, never shown beside the images.
public enum ManualScorePage {
    /// One image to label: the experiment's sample `sample` of class `classIndex`.
    public struct Item: Sendable, Hashable {
        public var classIndex: Int
        public var sample: Int
        public init(classIndex: Int, sample: Int) {
            self.classIndex = classIndex
            self.sample = sample
        }
    }

    /// `count` images: with one class, its samples `0 ..< count`; with several, the classes in
    /// turn (image `j` is class `classes[j mod m]`, sample `j div m`), so every class appears.
    public static func items(classes: [Int], count: Int) -> [Item] {
        (0..<count).map { Item(classIndex: classes[$0 % classes.count], sample: $0 / classes.count) }
    }

    /// The page for `items` of `loaded`; `digits` are the choices of the digit menu.
    /// Returns nil when a class has no generator whose output can be drawn.
    public static func html(_ loaded: LoadedExperiment, items: [Item], digits: [Int]) -> String? {
        var uris: [String] = []
        for item in items {
            let noise = loaded.noise(classIndex: item.classIndex, sampleIndex: item.sample)
            guard let picture = ReportImages.pictures(loaded, classIndex: item.classIndex, noises: [noise])?.first else { return nil }
            uris.append(picture.uri)
        }
        let data: [String: Any] = [
            "format": ManualLabels.format, "experiment": loaded.hash, "seed": Int(loaded.experiment.seed),
            "experiment_file": loaded.experiment.file ?? NSNull(),
            "items": items.map { ["sample": $0.sample, "class": $0.classIndex] },
        ]
        var cards = ""
        for (position, uri) in uris.enumerated() {
            cards += "<div class=\"card\" data-index=\"\(position)\"><div class=\"n\">\(position + 1)</div><img src=\"\(uri)\" alt=\"image \(position + 1)\"><div>"
            for category in ManualCategory.allCases {
                cards += "<label><input type=\"radio\" name=\"c\(position)\" value=\"\(category.rawValue)\"> \(HTMLText.escape(category.caption))</label>"
            }
            cards += "</div><select name=\"d\(position)\"><option value=\"\">digit?</option>"
            for digit in digits { cards += "<option value=\"\(digit)\">\(digit)</option>" }
            cards += "</select></div>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Manual score: label \(items.count) generated images</title>
        <style>
        body{font-family:sans-serif;margin:1em}.card{display:inline-block;vertical-align:top;width:15em;border:1px solid #ccc;margin:.3em;padding:.4em}
        .card img{image-rendering:pixelated;display:block;margin:.3em auto}.card label{display:block;font-size:.9em}.n{color:#888}
        .missing{border-color:#c00}#status{margin-left:1em}
        </style></head><body>
        <h1>Manual score</h1>
        <p>For each image choose what it shows and, unless it shows no digit, which digit. Then press Save: \
        your browser downloads <code>labels.json</code>; score it with <code>verify manual-score labels.json</code>. \
        Experiment <code>\(HTMLText.escape(loaded.experiment.file ?? "-"))</code>, seed \(loaded.experiment.seed), \(items.count) images.</p>
        <p><button id="save">Save</button><span id="status"></span></p>
        \(cards)
        <pre id="labels-output" hidden></pre>
        <script id="page-data" type="application/json">\(JSONText.encode(data).replacingOccurrences(of: "</", with: "<\\/"))</script>
        <script>
        \(script)
        </script>
        </body></html>

        """
    }

    /// Builds the labels object from the choices and downloads it; also leaves its text in
    /// `#labels-output` (what a headless browser reads back).
    static let script = """
    const page = JSON.parse(document.getElementById('page-data').textContent);
    function labels() {
      let missing = 0;
      const entries = page.items.map((item, i) => {
        const chosen = document.querySelector('input[name="c' + i + '"]:checked');
        const digit = document.querySelector('select[name="d' + i + '"]').value;
        const category = chosen ? chosen.value : null;
        const entry = {sample: item.sample, class: item['class'], category: category};
        if (category !== 'none' && digit !== '') entry.digit = Number(digit);
        const complete = category !== null && (category === 'none' || digit !== '');
        document.querySelector('.card[data-index="' + i + '"]').classList.toggle('missing', !complete);
        if (!complete) missing += 1;
        return entry;
      });
      return {missing: missing, value: {format: page.format, experiment: page.experiment,
        experiment_file: page.experiment_file, seed: page.seed, labels: entries}};
    }
    function save() {
      const result = labels();
      const text = JSON.stringify(result.value, null, 1);
      document.getElementById('labels-output').textContent = text;
      document.getElementById('status').textContent = result.missing > 0
        ? result.missing + ' images are not labelled yet (framed in red); saved anyway'
        : 'saved ' + page.items.length + ' labels';
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([text], {type: 'application/json'}));
      link.download = 'labels.json';
      document.body.appendChild(link);
      link.click();
      link.remove();
    }
    document.getElementById('save').addEventListener('click', save);
    """
}
