public import Foundation

/// The contract files of this folder, shipped with the binary as resources.
///
/// The files are the agreements (JSON Schema, OpenAPI, XSD); code loads them from here rather than
/// restating them, so a contract change is one file change.
public enum ContractFiles {
    /// The URL of a contract file by its path below `contracts/`, e.g. `records/record.schema.json`.
    public static func url(_ relativePath: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent(relativePath)
    }

    /// The bytes of a contract file; a missing file is a packaging error and stops the process.
    public static func data(_ relativePath: String) -> Data {
        do {
            return try Data(contentsOf: url(relativePath))
        } catch {
            fatalError("contract file \(relativePath) is missing from the build: \(error)")
        }
    }

    /// The inbound record schema.
    public static let recordSchemaPath = "records/record.schema.json"
    /// The XSD of population messages.
    public static let populationSchemaPath = "population/population.xsd"
}
