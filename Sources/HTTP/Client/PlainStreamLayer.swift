/// The `http` layer: bytes pass through unchanged; always ready.
public final class PlainStreamLayer: ClientStreamLayer {
    private var outbound: [UInt8] = []

    public init() {}

    public func start() throws(ClientLayerError) {}

    public func received(_ bytes: [UInt8]) throws(ClientLayerError) -> [UInt8] { bytes }

    public func send(_ plaintext: [UInt8]) throws(ClientLayerError) {
        outbound.append(contentsOf: plaintext)
    }

    public func takeOutbound() -> [UInt8] {
        defer { outbound = [] }
        return outbound
    }

    public var isReady: Bool { true }
}
