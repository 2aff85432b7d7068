import Foundation
import Logging

/// Logs go to stderr as one line each; level from `CIVGATE_LOG_LEVEL` (default `info`). Log lines carry
/// ids and codes only, never personal data.
enum LogSetup {
    static func logger(_ label: String) -> Logger {
        LoggingBootstrap.once
        var logger = Logger(label: label)
        let level = ProcessInfo.processInfo.environment["CIVGATE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = level ?? .info
        return logger
    }
}

private enum LoggingBootstrap {
    static let once: Void = {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
    }()
}
