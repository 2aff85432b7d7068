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

    static func lastErrorLine() -> Int? {
        guard let error = xmlGetLastError(), error.pointee.line > 0 else { return nil }
        return Int(error.pointee.line)
    }
}
