import Foundation
import HTTPTypes
import NIOCore
import Testing
import WireJSON

@Suite("The client error shape")
struct ClientErrorTests {
    @Test("every status maps to the OpenAI type its clients expect, and the body is the OpenAI shape with the gate")
    func shape() throws {
        let expected: [(Int, String)] = [
            (400, "invalid_request_error"), (401, "authentication_error"), (403, "permission_error"), (404, "invalid_request_error"),
            (409, "invalid_request_error"), (413, "invalid_request_error"), (429, "rate_limit_error"), (500, "api_error"), (502, "api_error"),
            (503, "api_error"),
        ]
        for (code, type) in expected {
            let error = ClientError(HTTPResponse.Status(code: code), .invalidField, "a \"quoted\"\nmessage", param: "model", gate: "routing")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(error.body.readableBytesView)) as? [String: Any])
            let detail = try #require(object["error"] as? [String: Any])
            #expect(detail["type"] as? String == type)
            #expect(detail["code"] as? String == "invalid_field")
            #expect(detail["message"] as? String == "a \"quoted\"\nmessage")
            #expect(detail["param"] as? String == "model")
            #expect(detail["gate"] as? String == "routing")
            #expect(error.headers[.gatewayGate] == "routing")
        }
        let plain = ClientError(.notFound, .notFound, "no such thing")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plain.body.readableBytesView)) as? [String: [String: Any]])
        #expect(object["error"]?["gate"] == nil)
        #expect(object["error"]?["param"] is NSNull)
        #expect(plain.headers[.gatewayGate] == nil)
    }

    @Test("reason codes are read back exactly, and anything else is other")
    func reasonReading() {
        for reason in ReasonCode.allCases { #expect(ReasonCode(reading: reason.rawValue) == reason) }
        #expect(ReasonCode(reading: "") == .other)
        #expect(ReasonCode(reading: "KEY_MISSING") == .other)
        #expect(Set(ReasonCode.allCases.map(\.rawValue)).count == ReasonCode.allCases.count)
    }
}
