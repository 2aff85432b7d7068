extension SchemaNode {
    /// Turns schema JSON into ``SchemaNode``s; each `$ref` target is compiled once and shared.
    struct Compiler {
        let root: JSONValue
        /// Every `pattern` of the schema, compiled by `SchemaValidator.init`.
        let patterns: [String: FixedPattern]
        private var targets: [String: SchemaNode] = [:]

        init(root: JSONValue, patterns: [String: FixedPattern]) {
            self.root = root
            self.patterns = patterns
        }

        /// The node at a local reference `#/a/b`, or `nil` when it does not resolve.
        static func resolve(_ reference: String, in root: JSONValue) -> JSONValue? {
            guard reference.hasPrefix("#/") else { return nil }
            var node = root
            for part in reference.dropFirst(2).split(separator: "/") {
                guard let next = node[String(part)] else { return nil }
                node = next
            }
            return node
        }

        mutating func compile(_ schema: JSONValue) -> SchemaNode {
            let node = SchemaNode()
            fill(node, from: schema)
            return node
        }

        private mutating func target(of reference: String) -> SchemaNode? {
            if let known = targets[reference] { return known }
            guard let schema = Self.resolve(reference, in: root) else { return nil }
            // Registered before it is filled, so a schema that refers to itself ends up as a cycle.
            let node = SchemaNode()
            targets[reference] = node
            fill(node, from: schema)
            return node
        }

        private mutating func fill(_ node: SchemaNode, from schema: JSONValue) {
            switch schema {
            case .bool(false):
                node.kind = .nothing
                return
            case .object:
                node.kind = .rules
            default:
                node.kind = .anything
                return
            }
            if let reference = schema["$ref"]?.stringValue { node.reference = target(of: reference) }
            if let type = schema["type"] { fillType(node, type) }
            if case .array(let options) = schema["enum"] ?? .null { node.allowed = Set(options) }
            node.constant = schema["const"]
            node.minLength = schema["minLength"]?.integerValue
            node.maxLength = schema["maxLength"]?.integerValue
            if let pattern = schema["pattern"]?.stringValue, let compiled = patterns[pattern] {
                node.pattern = compiled
                node.patternDetail = "does not match the pattern \(pattern)"
            }
            node.minimum = schema["minimum"].flatMap(Self.double)
            node.maximum = schema["maximum"].flatMap(Self.double)
            node.minItems = schema["minItems"]?.integerValue
            node.maxItems = schema["maxItems"]?.integerValue
            if let items = schema["items"] { node.items = compile(items) }
            if case .array(let required) = schema["required"] ?? .null {
                node.required = required.compactMap(\.stringValue)
            }
            if case .object(let properties) = schema["properties"] ?? .null {
                for (name, property) in properties { node.properties[name] = compile(property) }
            }
            switch schema["additionalProperties"] {
            case nil: node.additional = .unchecked
            case .bool(false): node.additional = .forbidden
            case let additional?: node.additional = .schema(compile(additional))
            }
            node.allOf = combinator(schema["allOf"])
            node.anyOf = combinator(schema["anyOf"])
            node.oneOf = combinator(schema["oneOf"])
        }

        private mutating func combinator(_ value: JSONValue?) -> [SchemaNode]? {
            guard case .array(let options) = value ?? .null else { return nil }
            return options.map { compile($0) }
        }

        private func fillType(_ node: SchemaNode, _ type: JSONValue) {
            let names: [String]
            switch type {
            case .string(let name): names = [name]
            case .array(let list): names = list.compactMap(\.stringValue)
            default: return
            }
            var set = TypeSet()
            for name in names {
                switch name {
                case "null": set.null = true
                case "boolean": set.boolean = true
                case "integer": set.integer = true
                case "number": set.number = true
                case "string": set.string = true
                case "array": set.array = true
                case "object": set.object = true
                default: break
                }
            }
            node.types = set
            node.typeDetail = "must be of type \(names.joined(separator: " or "))"
        }

        private static func double(_ value: JSONValue) -> Double? {
            switch value {
            case .integer(let integer): Double(integer)
            case .number(let number): number
            default: nil
            }
        }
    }
}
