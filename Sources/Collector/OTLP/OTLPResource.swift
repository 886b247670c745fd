import GatewayModel

/// The resource every exported span and metric point belongs to: the gateway process, by
/// `service.name`, `service.version` and `service.instance.id`, and the instrumentation scope.
public struct OTLPResource: Sendable {
    let attributes: [OTLPAttribute]

    /// The resource of a process named `serviceName` with the instance id `instanceID`.
    public init(serviceName: String, instanceID: String) {
        attributes = [
            OTLPAttribute("service.name", serviceName),
            OTLPAttribute("service.version", GatewayVersion.current),
            OTLPAttribute("service.instance.id", instanceID),
        ]
    }

    func write(_ field: Int, to writer: inout ProtobufWriter) {
        writer.message(field) { resource in
            for attribute in attributes { attribute.write(1, to: &resource) }
        }
    }

    func writeScope(_ field: Int, to writer: inout ProtobufWriter) {
        writer.message(field) { scope in
            scope.string(1, "gateway")
            scope.string(2, GatewayVersion.current)
        }
    }
}
