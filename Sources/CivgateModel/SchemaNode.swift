/// One schema (or subschema) of a ``SchemaValidator``, compiled once: `$ref`s resolved to nodes, enums as
/// sets, patterns compiled, limits and rule details precomputed.
///
/// `isValid` answers without building paths or violations (the common case); `check` reports every
/// violation with its path, in the order and wording the interpreter it replaced used.
final class SchemaNode: @unchecked Sendable {
    // @unchecked: nodes are written only while `Compiler` builds them inside `SchemaValidator.init`
    // (a `$ref` may point back at a node still being filled); they are read-only once `init` returns.

    enum Kind {
        /// `true`, or anything that is not a schema object: every value passes.
        case anything
        /// `false`: no value passes.
        case nothing
        /// A schema object: its keywords decide.
        case rules
    }

    enum Additional {
        /// No `additionalProperties`: undeclared members are not checked.
        case unchecked
        /// `additionalProperties: false`.
        case forbidden
        case schema(SchemaNode)
    }

    /// The JSON Schema `type` keyword as the set of value kinds it admits.
    struct TypeSet {
        var null = false
        var boolean = false
        var integer = false
        var number = false
        var string = false
        var array = false
        var object = false

        func matches(_ value: JSONValue) -> Bool {
            switch value {
            case .null: null
            case .bool: boolean
            case .integer: integer || number
            case .number: number || (integer && value.integerValue != nil)
            case .string: string
            case .array: array
            case .object: object
            }
        }
    }

    var kind = Kind.anything
    var reference: SchemaNode?
    var types: TypeSet?
    var typeDetail = ""
    var allowed: Set<JSONValue>?
    var constant: JSONValue?
    var minLength: Int64?
    var maxLength: Int64?
    var pattern: FixedPattern?
    var patternDetail = ""
    var minimum: Double?
    var maximum: Double?
    var minItems: Int64?
    var maxItems: Int64?
    var items: SchemaNode?
    var required: [String] = []
    var properties: [String: SchemaNode] = [:]
    var additional = Additional.unchecked
    var allOf: [SchemaNode]?
    var anyOf: [SchemaNode]?
    var oneOf: [SchemaNode]?

    // MARK: - Validity only

    /// Whether `value` passes, i.e. whether `check` would report nothing.
    func isValid(_ value: JSONValue) -> Bool {
        switch kind {
        case .anything: return true
        case .nothing: return false
        case .rules: break
        }
        if let reference, !reference.isValid(value) { return false }
        if let types, !types.matches(value) { return false }
        if let allowed, !allowed.contains(value) { return false }
        if let constant, constant != value { return false }
        switch value {
        case .string(let text):
            if minLength != nil || maxLength != nil {
                let length = text.unicodeScalars.count
                if let minLength, length < minLength { return false }
                if let maxLength, length > maxLength { return false }
            }
            if let pattern, !pattern.matches(text) { return false }
        case .integer(let integer):
            if !numberIsValid(Double(integer)) { return false }
        case .number(let number):
            if !numberIsValid(number) { return false }
        case .array(let elements):
            if let minItems, elements.count < minItems { return false }
            if let maxItems, elements.count > maxItems { return false }
            if let items, !elements.allSatisfy({ items.isValid($0) }) { return false }
        case .object(let members):
            if !objectIsValid(members) { return false }
        default:
            break
        }
        if let allOf, !allOf.allSatisfy({ $0.isValid(value) }) { return false }
        if let anyOf, !anyOf.contains(where: { $0.isValid(value) }) { return false }
        if let oneOf {
            var passing = 0
            for option in oneOf where option.isValid(value) {
                passing += 1
                if passing > 1 { return false }
            }
            if passing != 1 { return false }
        }
        return true
    }

    private func numberIsValid(_ number: Double) -> Bool {
        if let minimum, number < minimum { return false }
        if let maximum, number > maximum { return false }
        return true
    }

    private func objectIsValid(_ members: [String: JSONValue]) -> Bool {
        for name in required where members[name] == nil { return false }
        for (key, member) in members {
            if let property = properties[key] {
                if !property.isValid(member) { return false }
            } else {
                switch additional {
                case .unchecked: break
                case .forbidden: return false
                case .schema(let node): if !node.isValid(member) { return false }
                }
            }
        }
        return true
    }

    // MARK: - Full report

    /// Appends every violation by `value` (at `path`) to `out`.
    func check(_ value: JSONValue, path: String, into out: inout [SchemaViolation]) {
        switch kind {
        case .anything: return
        case .nothing:
            out.append(SchemaViolation(path: path, code: "not-allowed", detail: "this member is not allowed"))
            return
        case .rules: break
        }
        reference?.check(value, path: path, into: &out)
        if let types, !types.matches(value) {
            out.append(SchemaViolation(path: path, code: "type", detail: typeDetail))
            return
        }
        if let allowed, !allowed.contains(value) {
            out.append(SchemaViolation(path: path, code: "enum", detail: "must be one of the allowed values"))
        }
        if let constant, constant != value {
            out.append(SchemaViolation(path: path, code: "const", detail: "must equal the fixed value"))
        }
        switch value {
        case .string(let text):
            checkString(text, path: path, into: &out)
        case .integer(let integer):
            checkNumber(Double(integer), path: path, into: &out)
        case .number(let number):
            checkNumber(number, path: path, into: &out)
        case .array(let elements):
            if let minItems, elements.count < minItems {
                out.append(SchemaViolation(path: path, code: "min-items", detail: "needs at least \(minItems) items"))
            }
            if let maxItems, elements.count > maxItems {
                out.append(SchemaViolation(path: path, code: "max-items", detail: "allows at most \(maxItems) items"))
            }
            if let items {
                for (index, element) in elements.enumerated() {
                    items.check(element, path: "\(path)[\(index)]", into: &out)
                }
            }
        case .object(let members):
            checkObject(members, path: path, into: &out)
        default:
            break
        }
        checkCombinators(value, path: path, into: &out)
    }

    private func checkString(_ text: String, path: String, into out: inout [SchemaViolation]) {
        let length = text.unicodeScalars.count
        if let minLength, length < minLength {
            out.append(
                SchemaViolation(path: path, code: "min-length", detail: "needs at least \(minLength) characters"))
        }
        if let maxLength, length > maxLength {
            out.append(
                SchemaViolation(path: path, code: "max-length", detail: "allows at most \(maxLength) characters"))
        }
        if let pattern, !pattern.matches(text) {
            out.append(SchemaViolation(path: path, code: "pattern", detail: patternDetail))
        }
    }

    private func checkNumber(_ number: Double, path: String, into out: inout [SchemaViolation]) {
        if let minimum, number < minimum {
            out.append(SchemaViolation(path: path, code: "minimum", detail: "must be at least \(Self.format(minimum))"))
        }
        if let maximum, number > maximum {
            out.append(SchemaViolation(path: path, code: "maximum", detail: "must be at most \(Self.format(maximum))"))
        }
    }

    private func checkObject(_ members: [String: JSONValue], path: String, into out: inout [SchemaViolation]) {
        for name in required where members[name] == nil {
            out.append(
                SchemaViolation(path: JSONPath.member(path, name), code: "required", detail: "is required but missing"))
        }
        for key in members.keys.sorted() {
            let memberPath = JSONPath.member(path, key)
            if let property = properties[key] {
                property.check(members[key]!, path: memberPath, into: &out)
            } else {
                switch additional {
                case .unchecked:
                    break
                case .forbidden:
                    out.append(SchemaViolation(path: memberPath, code: "unknown-member", detail: "is not allowed here"))
                case .schema(let node):
                    node.check(members[key]!, path: memberPath, into: &out)
                }
            }
        }
    }

    private func checkCombinators(_ value: JSONValue, path: String, into out: inout [SchemaViolation]) {
        if let allOf {
            for option in allOf { option.check(value, path: path, into: &out) }
        }
        if let anyOf, !anyOf.contains(where: { $0.isValid(value) }) {
            out.append(SchemaViolation(path: path, code: "any-of", detail: "matches none of the allowed shapes"))
        }
        if let oneOf {
            var passing = 0
            var closest: [SchemaViolation]?
            for option in oneOf {
                if option.isValid(value) {
                    passing += 1
                    continue
                }
                var scratch: [SchemaViolation] = []
                option.check(value, path: path, into: &scratch)
                if closest == nil || scratch.count < closest!.count { closest = scratch }
            }
            if passing == 0 {
                // Report the nearest shape's problems: they name the fields to fix.
                let nearest = closest ?? []
                out.append(SchemaViolation(path: path, code: "one-of", detail: "matches none of the allowed shapes"))
                out.append(contentsOf: nearest.filter { $0.path != path || $0.code != "type" })
            } else if passing > 1 {
                out.append(SchemaViolation(path: path, code: "one-of", detail: "matches more than one shape"))
            }
        }
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(value)
    }
}
