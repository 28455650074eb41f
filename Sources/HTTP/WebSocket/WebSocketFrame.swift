/// One decoded frame, payload already unmasked: the unit between the frame decoder and the assembler.
public struct WebSocketFrame: Sendable, Equatable {
    /// Last frame of its message (always true for control frames).
    public var fin: Bool
    public var opcode: WebSocketOpcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: WebSocketOpcode, payload: [UInt8] = []) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }
}
