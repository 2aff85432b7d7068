import CivgateModel
import PopulationAdapter

/// The destinations this build knows: the composition root is the only place that names adapters.
enum Catalog {
    static let adapters: [any DestinationAdapter] = [PopulationAdapter()]
    static let mockNames = ["population"]
}
