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

    @Test("no authorization header is no token")
    func absent() {
        #expect(BearerToken.parse(HTTPFields()) == nil)
    }
}
