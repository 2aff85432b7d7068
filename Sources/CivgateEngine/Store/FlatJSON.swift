import CivgateModel
import Foundation

/// A delivery's result (`{"pin": "…"}`) as JSON, without `JSONEncoder`/`JSONDecoder`: every claim reads
/// and every success writes one, and the Foundation coders cost more than the SQL around them.
///
/// The output matches `StoreQueries.encode` (sorted keys, slashes unescaped); `decode` falls back to
/// `JSONDecoder` for anything but a flat object of plain strings.
enum FlatJSON {
    static func encode(_ object: [String: String]) -> Data {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(16 + object.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        for (index, key) in object.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.append(key, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONString.append(object[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    static func decode(_ data: Data) -> [String: String]? {
        fastDecode(data) ?? (try? JSONDecoder().decode([String: String].self, from: data))
    }

    /// `{"k":"v",…}` with no escapes and no whitespace (what `encode` writes for plain values); `nil`
    /// for anything else.
    private static func fastDecode(_ data: Data) -> [String: String]? {
        data.withUnsafeBytes { raw -> [String: String]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            func string() -> String? {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                let start = index + 1
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    if bytes[end] == UInt8(ascii: "\\") || bytes[end] < 0x20 { return nil }
                    end += 1
                }
                guard end < bytes.count else { return nil }
                index = end + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
            guard bytes.count >= 2, bytes[0] == UInt8(ascii: "{") else { return nil }
            index = 1
            var object: [String: String] = [:]
            if bytes[index] == UInt8(ascii: "}") { return index + 1 == bytes.count ? object : nil }
            while true {
                guard let key = string(), index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let value = string(), index < bytes.count else { return nil }
                object[key] = value
                if bytes[index] == UInt8(ascii: "}") { return index + 1 == bytes.count ? object : nil }
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
            }
        }
    }
}
