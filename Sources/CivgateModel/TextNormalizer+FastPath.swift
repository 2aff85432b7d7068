extension TextNormalizer {
    /// Whether `normalizeText` would return `text` unchanged, decided from its UTF-8 bytes alone.
    ///
    /// True only for text made of scalars below U+0300 (ASCII, Latin-1, Latin Extended A/B, IPA) and of
    /// Latin Extended Additional (U+1E00–U+1EFF, the precomposed Vietnamese letters), with single spaces
    /// between words: such text is NFC whatever the order of its scalars (none of them is a combining
    /// mark, a singleton or a composition exclusion), so no Foundation call is needed. `false` means
    /// "do the full work", not "would change".
    static func isNormalized(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable(isNormalized(utf8:)) ?? false
    }

    private static func isNormalized(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        // Starting "after a space" makes a leading space fail like a doubled one.
        var afterSpace = true
        var index = 0
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == 0x20 {
                    if afterSpace { return false }
                    afterSpace = true
                } else if byte >= 0x09 && byte <= 0x0D {
                    return false
                } else {
                    afterSpace = false
                }
                index += 1
            } else if byte >= 0xC2 && byte <= 0xCB, index + 1 < count {
                // U+0080–U+02FF; U+0085 and U+00A0 are whitespace.
                if byte == 0xC2 && (bytes[index + 1] == 0x85 || bytes[index + 1] == 0xA0) { return false }
                afterSpace = false
                index += 2
            } else if byte == 0xE1, index + 2 < count, bytes[index + 1] >= 0xB8 && bytes[index + 1] <= 0xBB {
                // U+1E00–U+1EFF.
                afterSpace = false
                index += 3
            } else {
                return false
            }
        }
        return count == 0 || !afterSpace
    }
}
