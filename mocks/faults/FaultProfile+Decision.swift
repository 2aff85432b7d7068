extension FaultProfile {
    /// The decision for the `index`-th matched request (0-based, in arrival order since the profile was set)
    /// arriving `elapsed` after the profile was set.
    ///
    /// A pure function of (seed, index) — plus `elapsed` for time-window outages — so two runs with the
    /// same seed and the same request sequence inject the same faults. Concurrent clients can change which
    /// request arrives Nth, so only sequential (or otherwise ordered) traffic replays exactly.
    ///
    /// Order: an outage covering the request wins; otherwise one uniform draw picks among reset, black hole,
    /// dropped reply and the error rates (in that order, each taking its share of [0, 1)), and a second
    /// draw samples the latency.
    public func decision(forRequest index: Int, elapsed: Duration = .zero) -> FaultDecision {
        var random = FaultRandom(seed: seed, index: UInt64(max(index, 0)))
        let pick = random.nextUnit()
        let delay = latency?.delay(unit: random.nextUnit()) ?? .zero
        for outage in outages {
            if let retryAfter = outage.retryAfter(index: index, elapsed: elapsed) {
                return FaultDecision(
                    delay: delay, action: .outage(status: outage.status, retryAfterSeconds: retryAfter))
            }
        }
        var shares: [(Double, FaultDecision.Action)] = [
            (resetRate, .reset), (blackHoleRate, .blackHole), (dropReplyRate, .dropReply),
        ]
        shares += errorRates.map { ($0.rate, .error(status: $0.status, retryAfterSeconds: $0.effectiveRetryAfter)) }
        var threshold = 0.0
        for (rate, action) in shares where rate > 0 {
            threshold += rate
            if pick < threshold { return FaultDecision(delay: delay, action: action) }
        }
        return FaultDecision(delay: delay, action: .pass)
    }
}
