import Foundation
import Synchronization

/// The real `civgate` binary as a child process, with its stdout collected line by line.
final class RunningProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched from the test's task; output goes through the Mutex.
    let process = Process()
    private let output = Mutex<String>("")
    private let errors = Mutex<String>("")

    /// - Parameter fileSizeLimit: `ulimit -f` for the process (in the shell's blocks), through `/bin/sh`.
    init(_ arguments: [String], environment: [String: String] = [:], fileSizeLimit: Int? = nil) throws {
        if let fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                ["-c", "ulimit -f \(fileSizeLimit) && exec \"$0\" \"$@\"", TestPaths.binary.path] + arguments
        } else {
            process.executableURL = TestPaths.binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = TestPaths.packageRoot
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        stdout.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            self?.output.withLock { $0 += text }
        }
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            self?.errors.withLock { $0 += text }
        }
        try process.run()
    }

    var stdout: String { output.withLock { $0 } }
    var stderr: String { errors.withLock { $0 } }

    /// The first stdout line starting with `prefix`, waiting until it appears.
    func line(startingWith prefix: String, timeout: Duration = .seconds(30)) async throws -> String {
        var found: String?
        try await waitUntil(timeout: timeout, "a line starting with '\(prefix)'") {
            found = stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
            return found != nil || !process.isRunning
        }
        guard let found else { throw TimedOut(what: "'\(prefix)' (process exited: \(stderr))") }
        return found
    }

    /// The URL at the end of a "… listening on http://HOST:PORT" line.
    func listeningURL(_ prefix: String) async throws -> String {
        String(try await line(startingWith: prefix).split(separator: " ").last!)
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end and returns its exit status.
    func exitStatus(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await waitUntil(timeout: timeout, "the process to exit") { !process.isRunning }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
