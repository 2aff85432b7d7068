import CivgateModel
import Foundation
import Testing

/// Proves civgate's JSON Schema subset validator keyword by keyword on small inline schemas (required,
/// type, enum, const, pattern, lengths in code points, bounds, items, additionalProperties, oneOf,
/// anyOf, allOf, local $ref), the paths it reports (`$.a[1].b`), that it refuses schemas outside its
/// subset at load time, and that patterns use ECMA-262 anchoring: `$` is the end of input, never
/// "before a final newline".
@Suite("SchemaValidator")
struct SchemaValidatorTests {
    /// The violations of `instance` against `schema`, both given as JSON text.
    static func violations(_ schema: String, _ instance: String) throws -> [SchemaViolation] {
        let validator = try SchemaValidator(schema: JSONValue.parse(Data(schema.utf8)))
        return validator.validate(try JSONValue.parse(Data(instance.utf8)))
    }

    /// `(path, code)` pairs, for compact expectations.
    static func found(_ schema: String, _ instance: String) throws -> [String] {
        try violations(schema, instance).map { "\($0.path) \($0.code)" }
    }

    @Test("required members are reported at their own path")
    func required() throws {
        let schema = #"{"type": "object", "required": ["a", "b"], "properties": {"a": {}, "b": {}}}"#
        #expect(try Self.found(schema, #"{"a": 1}"#) == ["$.b required"])
        #expect(try Self.found(schema, #"{"a": 1, "b": null}"#).isEmpty)
    }

    @Test("type: single names, lists, integer versus number")
    func types() throws {
        #expect(try Self.found(#"{"type": "string"}"#, "1") == ["$ type"])
        #expect(try Self.found(#"{"type": "string"}"#, #""x""#).isEmpty)
        #expect(try Self.found(#"{"type": ["string", "null"]}"#, "null").isEmpty)
        #expect(try Self.found(#"{"type": ["string", "null"]}"#, "false") == ["$ type"])
        #expect(try Self.found(#"{"type": "integer"}"#, "3").isEmpty)
        #expect(try Self.found(#"{"type": "integer"}"#, "3.5") == ["$ type"])
        #expect(try Self.found(#"{"type": "integer"}"#, #""3""#) == ["$ type"])
        #expect(try Self.found(#"{"type": "number"}"#, "3").isEmpty)
        #expect(try Self.found(#"{"type": "object"}"#, "[]") == ["$ type"])
        #expect(try Self.found(#"{"type": "array"}"#, "{}") == ["$ type"])
        #expect(try Self.found(#"{"type": "boolean"}"#, "0") == ["$ type"])
    }

    @Test("enum and const")
    func enumAndConst() throws {
        #expect(try Self.found(#"{"enum": ["male", "female", "unknown"]}"#, #""F""#) == ["$ enum"])
        #expect(try Self.found(#"{"enum": ["male", "female", "unknown"]}"#, #""female""#).isEmpty)
        #expect(try Self.found(#"{"const": "day"}"#, #""year""#) == ["$ const"])
        #expect(try Self.found(#"{"const": "day"}"#, #""day""#).isEmpty)
    }

    @Test("pattern: a match anywhere unless anchored; the detail names the pattern, not the value")
    func pattern() throws {
        #expect(try Self.found(#"{"pattern": "^[0-9]{3}$"}"#, #""123""#).isEmpty)
        #expect(try Self.found(#"{"pattern": "^[0-9]{3}$"}"#, #""1234""#) == ["$ pattern"])
        #expect(try Self.found(#"{"pattern": "[0-9]{3}"}"#, #""ab123c""#).isEmpty)
        let found = try Self.violations(#"{"pattern": "^[0-9]{3}$"}"#, #""12Q""#)
        #expect(found.count == 1)
        #expect(found.first?.detail.contains("12Q") == false)
        // A pattern applies to strings only.
        #expect(try Self.found(#"{"pattern": "^[0-9]{3}$"}"#, "12").isEmpty)
    }

    @Test("minLength and maxLength count code points")
    func lengths() throws {
        // Ê̆ is two code points: U+00CA U+0306.
        #expect(try Self.found(#"{"maxLength": 1}"#, #""\u00ca\u0306""#) == ["$ max-length"])
        #expect(try Self.found(#"{"maxLength": 2}"#, #""\u00ca\u0306""#).isEmpty)
        #expect(try Self.found(#"{"minLength": 1}"#, #""""#) == ["$ min-length"])
        #expect(try Self.found(#"{"minLength": 2}"#, #""ab""#).isEmpty)
    }

    @Test("minimum and maximum, inclusive")
    func bounds() throws {
        let schema = #"{"type": "integer", "minimum": 1, "maximum": 150}"#
        #expect(try Self.found(schema, "0") == ["$ minimum"])
        #expect(try Self.found(schema, "151") == ["$ maximum"])
        #expect(try Self.found(schema, "1").isEmpty)
        #expect(try Self.found(schema, "150").isEmpty)
        #expect(try Self.found(#"{"minimum": 0.5}"#, "0.25") == ["$ minimum"])
    }

    @Test("items, minItems, maxItems, with paths like $.a[1].b")
    func arrays() throws {
        let schema = #"""
            {"type": "object", "properties": {"a": {"type": "array", "minItems": 1, "maxItems": 3,
              "items": {"type": "object", "properties": {"b": {"type": "integer"}}}}}}
            """#
        #expect(try Self.found(schema, #"{"a": [{"b": 1}, {"b": "x"}]}"#) == ["$.a[1].b type"])
        #expect(try Self.found(schema, #"{"a": []}"#) == ["$.a min-items"])
        #expect(try Self.found(schema, #"{"a": [{}, {}, {}, {}]}"#) == ["$.a max-items"])
        #expect(try Self.found(schema, #"{"a": [{"b": 1}]}"#).isEmpty)
    }

    @Test("additionalProperties: false names each extra member; a schema checks them")
    func additionalProperties() throws {
        let closed = #"{"type": "object", "properties": {"value": {}}, "additionalProperties": false}"#
        #expect(try Self.found(closed, #"{"value": 1, "ageAtEvent": 0}"#) == ["$.ageAtEvent unknown-member"])
        #expect(try Self.found(closed, #"{"value": 1, "a b": 0}"#) == ["$['a b'] unknown-member"])
        let typed = #"{"type": "object", "properties": {"value": {}}, "additionalProperties": {"type": "string"}}"#
        #expect(try Self.found(typed, #"{"value": 1, "z": 2}"#) == ["$.z type"])
        #expect(try Self.found(typed, #"{"value": 1, "z": "ok"}"#).isEmpty)
        // Without additionalProperties, unknown members are allowed (the registry may add fields).
        #expect(try Self.found(#"{"type": "object", "properties": {"value": {}}}"#, #"{"z": 2}"#).isEmpty)
    }

    @Test("oneOf: none matching and more than one matching are both violations")
    func oneOf() throws {
        let schema = #"{"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "number", "minimum": 100}]}"#
        #expect(try Self.found(schema, #""x""#).isEmpty)
        let none = try Self.violations(schema, "true")
        #expect(none.contains { $0.path == "$" && $0.code == "one-of" && $0.detail.contains("none") })
        let many = try Self.violations(schema, "150")
        #expect(many.map(\.code) == ["one-of"])
        #expect(many.first?.detail.contains("more than one") == true)
    }

    @Test("oneOf with no match reports the nearest shape's problems below the path")
    func oneOfNearest() throws {
        let schema = #"""
            {"$defs": {"day": {"type": "object", "additionalProperties": false, "required": ["value", "precision"],
                               "properties": {"value": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                                              "precision": {"const": "day"}}},
                       "age": {"type": "object", "additionalProperties": false, "required": ["ageAtEvent", "precision"],
                               "properties": {"ageAtEvent": {"type": "integer"}, "precision": {"const": "age"}}}},
             "properties": {"d": {"oneOf": [{"$ref": "#/$defs/day"}, {"$ref": "#/$defs/age"}]}}}
            """#
        let found = try Self.found(schema, #"{"d": {"value": "2026-9-24", "precision": "day"}}"#)
        #expect(found == ["$.d one-of", "$.d.value pattern"])
    }

    @Test("anyOf passes when one option passes, and fails as one violation otherwise")
    func anyOf() throws {
        let schema =
            #"{"type": "object", "anyOf": [{"required": ["facility"]}, {"required": ["unit"]}, {"required": ["text"]}]}"#
        #expect(try Self.found(schema, #"{"text": "tại nhà"}"#).isEmpty)
        #expect(try Self.found(schema, #"{"other": 1}"#) == ["$ any-of"])
    }

    @Test("allOf reports every option's violations")
    func allOf() throws {
        let schema = #"{"allOf": [{"type": "string", "maxLength": 2}, {"pattern": "^[0-9]+$"}]}"#
        #expect(Set(try Self.found(schema, #""abc""#)) == ["$ max-length", "$ pattern"])
        #expect(try Self.found(schema, #""12""#).isEmpty)
    }

    @Test("$ref resolves local definitions, also through another $ref")
    func refs() throws {
        let schema = #"""
            {"$defs": {"pin": {"type": "string", "pattern": "^[0-9]{12}$"}, "parent": {"type": "object", "properties": {"pin": {"$ref": "#/$defs/pin"}}}},
             "type": "object", "properties": {"mother": {"$ref": "#/$defs/parent"}, "list": {"type": "array", "items": {"$ref": "#/$defs/parent"}}}}
            """#
        #expect(try Self.found(schema, #"{"mother": {"pin": "001197652370"}}"#).isEmpty)
        #expect(try Self.found(schema, #"{"mother": {"pin": "0011976523"}}"#) == ["$.mother.pin pattern"])
        #expect(try Self.found(schema, #"{"list": [{"pin": "001197652370"}, {"pin": 1}]}"#) == ["$.list[1].pin type"])
    }

    @Test(
        "a keyword outside the subset is refused when the schema is loaded",
        arguments: [
            #"{"if": {"type": "string"}, "then": {"minLength": 1}}"#,
            #"{"type": "object", "properties": {"d": {"type": "string", "format": "date"}}}"#,
            #"{"$defs": {"x": {"patternProperties": {"^a": {}}}}}"#,
            #"{"items": {"uniqueItems": true}}"#,
            #"{"oneOf": [{"not": {"type": "string"}}]}"#,
        ])
    func refusesUnsupportedKeyword(schema: String) throws {
        let parsed = try JSONValue.parse(Data(schema.utf8))
        #expect(throws: SchemaValidator.UnsupportedSchema.self) { try SchemaValidator(schema: parsed) }
    }

    @Test("an invalid regular expression is refused when the schema is loaded")
    func refusesBrokenPattern() throws {
        let parsed = try JSONValue.parse(Data(#"{"pattern": "^(a|b$"}"#.utf8))
        #expect(throws: (any Error).self) { try SchemaValidator(schema: parsed) }
    }

    // Regression: a $ref that resolved to nothing used to be skipped silently, so the member it guards
    // accepted anything (fail-open).
    @Test(
        "a $ref that does not resolve is refused when the schema is loaded",
        arguments: ["#/$defs/missing", "other.json#/$defs/pin"])
    func danglingRefRefused(reference: String) throws {
        let parsed = JSONValue.object([
            "$defs": .object(["pin": .object(["type": .string("string")])]),
            "properties": .object(["p": .object(["$ref": .string(reference)])]),
        ])
        let validator = try? SchemaValidator(schema: parsed)
        #expect(
            validator == nil,
            "loaded; {\"p\": 42} then gives \(validator?.validate(.object(["p": .integer(42)])) ?? [])")
    }

    // MARK: patterns

    @Test("a fixed-shape pattern's $ is the end of input: a trailing newline never matches")
    func fixedPatternAnchoring() throws {
        let pin = try FixedPattern("^[0-9]{12}$")
        #expect(pin.matches("001197652370"))
        #expect(!pin.matches("001197652370\n"))
        #expect(!pin.matches("00119765237\n"))
        #expect(!pin.matches("\n001197652370"))
        #expect(!pin.matches("0011976523701"))
        #expect(!pin.matches("00119765237O"))
        let code = try FixedPattern("^[A-Z]{2}$")
        #expect(code.matches("VN"))
        #expect(!code.matches("vn"))
        #expect(!code.matches("VN\n"))
        let role = try FixedPattern("^[a-z][a-z0-9-]*$")
        #expect(role.matches("child"))
        #expect(role.matches("adoptee-2"))
        #expect(!role.matches("Child"))
        #expect(!role.matches("child\n"))
    }

    @Test("\\d in a fixed-shape pattern is ASCII only, as in ECMA-262")
    func fixedPatternDigits() throws {
        let twoDigits = try FixedPattern("^\\d{2}$")
        #expect(twoDigits.matches("04"))
        #expect(!twoDigits.matches("\u{0660}\u{0664}"))
        #expect(!twoDigits.matches("\u{FF10}\u{FF14}"))
    }

    @Test("a pattern that falls back to NSRegularExpression is also anchored at the end of input")
    func fallbackPatternAnchoring() throws {
        let either = try FixedPattern("^(a|b)$")
        #expect(either.matches("a"))
        #expect(either.matches("b"))
        #expect(!either.matches("a\n"))
        #expect(!either.matches("ab"))
        let month = try FixedPattern("^[0-9]{4}-(0[1-9]|1[0-2])$")
        #expect(month.matches("2026-09"))
        #expect(!month.matches("2026-09\n"))
        #expect(!month.matches("2026-13"))
        let dateTime = try FixedPattern(
            "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
        )
        #expect(dateTime.matches("2026-09-25T09:43:00+07:00"))
        #expect(!dateTime.matches("2026-09-25T09:43:00+07:00\n"))
        #expect(!dateTime.matches("2026-09-25T09:43:00"))
        // Through the validator, as ingest uses it.
        #expect(try Self.found(#"{"pattern": "^(a|b)$"}"#, #""a\n""#) == ["$ pattern"])
    }

    // Regression: the fallback used to rewrite only a `$` at the very end of the pattern; ICU's `$`
    // elsewhere matches before a final newline, so `^a$|^b$` accepted "a\n" where ECMA-262 rejects it.
    @Test("every $ of a fallback pattern is the end of input, not only the last one")
    func fallbackInnerDollar() throws {
        let alternatives = try FixedPattern("^a$|^b$")
        #expect(alternatives.matches("a"))
        #expect(!alternatives.matches("a\n"))
        #expect(!alternatives.matches("b\n"))
    }

    // Regression: ICU's \d is any Unicode decimal digit; ECMA-262's (without the u flag) is [0-9], as in
    // the fixed-shape matcher. The same pattern must not change meaning when it falls back.
    @Test("\\d in a fallback pattern is ASCII only, as in the fixed-shape matcher")
    func fallbackDigitsASCII() throws {
        let digits = try FixedPattern("^(\\d{2}|x)$")
        #expect(digits.matches("04"))
        #expect(!digits.matches("\u{0660}\u{0664}"))
    }
}
