import ControlPlane
import GatewayModel
import HTTPTypes
import Testing

@Suite("The bearer-token reading every listener shares")
struct BearerTokenTests {
    @Test(
        "the scheme in any case, spaces around the token skipped; other schemes and empty tokens are none",
        arguments: [
            ("Bearer sk-1", "sk-1"), ("bearer sk-1", "sk-1"), ("BEARER  sk-1 ", "sk-1"), ("Bearer \tsk-1", "sk-1"),
            ("Bearer ", nil), ("Bearer    ", nil), ("Basic c2stMQ==", nil), ("Bearersk-1", nil), ("Bear", nil),
        ] as [(String, String?)])
    func parse(header: String, token: String?) {
        var headers = HTTPFields()
        headers[.authorization] = header
        #expect(BearerToken.parse(headers).map(String.init) == token)
    }

    @Test("repeated authorization fields read as their combined value, as HTTP reads them")
    func repeated() {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(HTTPField(name: .authorization, value: "Bearer sk-1"))
        headers.append(HTTPField(name: .accept, value: "*/*"))
        headers.append(HTTPField(name: HTTPField.Name("AUTHORIZATION")!, value: "Bearer sk-2 "))
        #expect(BearerToken.parse(headers) == "sk-1, Bearer sk-2")
        headers.append(HTTPField(name: .authorization, value: "Basic x"))
        #expect(BearerToken.parse(headers) == "sk-1, Bearer sk-2, Basic x")
    }

    @Test("no authorization header is no token")
    func absent() {
        #expect(BearerToken.parse(HTTPFields()) == nil)
    }
}
