internal import CXML2
import Foundation

/// Process-wide libxml2 set-up.
enum LibXML {
    private static let initialized: Void = {
        xmlInitParser()
    }()

    static func initialize() {
        _ = initialized
    }

    static func lastErrorMessage() -> String? {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return nil }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
