/// One element of a compiled pattern: a scalar class or a group of alternatives, with its repetition.
enum PatternPiece {
    case scalars(ScalarClass, minimum: Int, maximum: Int)
    case group([[PatternPiece]], minimum: Int, maximum: Int)
}
