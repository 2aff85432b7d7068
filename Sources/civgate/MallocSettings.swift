import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// glibc's allocator settings for a long-running gateway process.
///
/// By default glibc raises its mmap threshold as large blocks are freed (up to 32 MiB) and keeps up to
/// twice that free at the top of each heap before giving it back; with a heap per busy thread, a
/// million-record run peaked at 294 MiB. With fixed thresholds (blocks up to 4 MiB from the heaps, free
/// space above 8 MiB returned) the same run peaked at 220 MiB, and ran faster (`civgate bench --million`).
enum MallocSettings {
    /// `M_TRIM_THRESHOLD` and `M_MMAP_THRESHOLD` in glibc's `malloc.h` (which Swift's Glibc module
    /// does not import).
    private static let trimThreshold: Int32 = -1
    private static let mmapThreshold: Int32 = -3

    /// Applies the settings, unless `GLIBC_TUNABLES` sets malloc options (the operator's choice wins).
    static func apply() {
        #if canImport(Glibc)
            if let tunables = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"], tunables.contains("malloc") {
                return
            }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(mmapThreshold, 4 << 20)
            _ = mallopt(trimThreshold, 8 << 20)
        #endif
    }
}
