import Foundation
import Synchronization

/// Where the test inputs live: this package's folders and the shared samples beside the repository.
enum TestPaths {
    /// The package root (the folder holding Package.swift).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `../shared` (CI clones the repository with shared/ beside it); `CIVGATE_SHARED` overrides.
    static let shared: URL = {
        if let path = ProcessInfo.processInfo.environment["CIVGATE_SHARED"] { return URL(fileURLWithPath: path) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    static let samples = shared.appendingPathComponent("samples/records")
    static let generator = shared.appendingPathComponent("tools/gen_records.py")
    static let fixtures = packageRoot.appendingPathComponent("Tests/CivgateTests/Fixtures")
    static let golden = packageRoot.appendingPathComponent("Tests/CivgateTests/Golden")
    static let contracts = packageRoot.appendingPathComponent("contracts")

    /// The built `civgate` binary (built by `swift build --build-tests`).
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["CIVGATE_BIN"] { return URL(fileURLWithPath: path) }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "civgate"),
            packageRoot.appendingPathComponent(".build/debug/civgate"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }()

    /// The JSON files of a folder, sorted by name.
    static func jsonFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// A new empty temporary folder, removed when the test process exits (with everything in it: a
    /// store started by `civgate serve` preallocates a log of about 165 MB, and runs of the suite used to
    /// leave gigabytes behind). `CIVGATE_KEEP_TEST_DIRECTORIES=1` keeps them, to look into a failure.
    static func temporaryDirectory(_ label: String = "civgate") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        TemporaryDirectories.shared.remember(url)
        return url
    }
}

/// The temporary folders the tests made, to remove when the process exits.
private final class TemporaryDirectories: Sendable {
    static let shared = TemporaryDirectories()

    private let paths = Mutex<[String]>([])

    private init() {
        guard ProcessInfo.processInfo.environment["CIVGATE_KEEP_TEST_DIRECTORIES"] != "1" else { return }
        atexit { TemporaryDirectories.shared.removeAll() }
    }

    func remember(_ url: URL) {
        paths.withLock { $0.append(url.path) }
    }

    private func removeAll() {
        for path in paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
