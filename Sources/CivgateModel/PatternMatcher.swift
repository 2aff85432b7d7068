/// Backtracking over a compiled pattern; existence of a match is all it answers, so greediness does not
/// matter and every way through is tried.
struct PatternMatcher<Input: RandomAccessCollection> where Input.Element == UInt32, Input.Index == Int {
    let input: Input

    func sequence(_ pieces: [PatternPiece], _ index: Int, from position: Int, then next: (Int) -> Bool) -> Bool {
        if index == pieces.count { return next(position) }
        switch pieces[index] {
        case .scalars(let set, let minimum, let maximum):
            var count = 0
            while count < minimum {
                guard position + count < input.endIndex, set.contains(input[position + count]) else { return false }
                count += 1
            }
            var taken = count
            while taken < maximum, position + taken < input.endIndex, set.contains(input[position + taken]) {
                taken += 1
            }
            while taken >= count {
                if sequence(pieces, index + 1, from: position + taken, then: next) { return true }
                taken -= 1
            }
            return false
        case .group(let alternatives, let minimum, let maximum):
            return group(alternatives, minimum, maximum, done: 0, from: position) { end in
                sequence(pieces, index + 1, from: end, then: next)
            }
        }
    }

    private func group(
        _ alternatives: [[PatternPiece]], _ minimum: Int, _ maximum: Int, done: Int, from position: Int,
        then next: (Int) -> Bool
    ) -> Bool {
        if done < maximum {
            for alternative in alternatives {
                let matched = sequence(alternative, 0, from: position) { end in
                    // An empty repetition past the minimum changes nothing; refusing it ends `(…)*` loops.
                    if end == position && done >= minimum { return false }
                    return group(alternatives, minimum, maximum, done: done + 1, from: end, then: next)
                }
                if matched { return true }
            }
        }
        return done >= minimum && next(position)
    }
}
