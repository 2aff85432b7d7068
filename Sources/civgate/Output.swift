import Foundation

/// Writes to stdout and stderr unbuffered: scripts and tests wait for the "listening" line.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("civgate: " + text + "\n").utf8))
    }
}

/// A failure the CLI reports as one line with a chosen exit code.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32

    static func usage(_ message: String) -> CommandFailure { CommandFailure(description: message, exitCode: 64) }
    static func configuration(_ message: String) -> CommandFailure {
        CommandFailure(description: message, exitCode: 78)
    }
    static func runtime(_ message: String) -> CommandFailure { CommandFailure(description: message, exitCode: 1) }
}
