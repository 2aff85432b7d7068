#if canImport(Glibc)
    import Glibc
#endif

/// The scheduling priority (nice value) of the calling thread. On Linux it is per thread, and `who` 0 in
/// `setpriority`/`getpriority` is the calling thread; elsewhere these do nothing.
enum ThreadNice {
    /// The nice value of background work (batch intake, the backfill lane's deliveries): a nice-0 thread
    /// that wants the core gets about nine tenths of it.
    static let background: Int32 = 10

    /// Sets the calling thread's nice value. Raising it needs no privilege; lowering it back does, so
    /// only threads that do nothing but background work call this.
    static func set(_ nice: Int32) {
        #if canImport(Glibc)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
        #endif
    }

    /// The calling thread's nice value (0 where it cannot be read).
    static var current: Int32 {
        #if canImport(Glibc)
            return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
            return 0
        #endif
    }
}
