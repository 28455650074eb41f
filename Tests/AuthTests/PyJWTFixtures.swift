import Foundation

/// Tokens made by PyJWT 2.15.1 (with `cryptography` 48 keys generated for the purpose) so that
/// interoperability is checked without Python at test time. Claims:
/// `{"sub":"billing-service","role":"manager","iat":1767225600,"nbf":1767225600,"exp":4102444800,
///   "iss":"coordinator","aud":["dashboard","api"]}`; the RS256 header carries `"kid":"rsa-1"`.
enum PyJWTFixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let secret = "pyjwt-interop-secret-0123456789abcdef"
    static let hs256 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiaWxsaW5nLXNlcnZpY2UiLCJyb2xlIjoibWFuYWdlciIsImlhdCI6MTc2NzIyNTYwMCwibmJmIjoxNzY3MjI1NjAwLCJleHAiOjQxMDI0NDQ4MDAsImlzcyI6ImNvb3JkaW5hdG9yIiwiYXVkIjpbImRhc2hib2FyZCIsImFwaSJdfQ.MJBecbTbJYYQ67CrcVx9ugcHyU77jRJL2dKz3Fzc0h0"
    static let rs256 = "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIiwidHlwIjoiSldUIn0.eyJzdWIiOiJiaWxsaW5nLXNlcnZpY2UiLCJyb2xlIjoibWFuYWdlciIsImlhdCI6MTc2NzIyNTYwMCwibmJmIjoxNzY3MjI1NjAwLCJleHAiOjQxMDI0NDQ4MDAsImlzcyI6ImNvb3JkaW5hdG9yIiwiYXVkIjpbImRhc2hib2FyZCIsImFwaSJdfQ.i3JoXX5FhcBKni2ZjkYRjK7E4oYSXZQNNYFe79RWfQhctG9vxN2VtXJFtOTflJgdguAJIeEfR9WSw_Ngz3BCX9_OpAjOqSXqRAL9qH4V_eFp-menGG7_9lChRwsuyOirvL_8bjW3lhQmMDmKfqomq8C8CBEvLndy6pbuYKShzGYZqfnQvJIRwunRE5w5MzKCZ3ruiBlzQoNMVJevwBDF_QAQbjJoLIw1T45WfkEP9tSiBIxdzA3g8X7lCn2pscM4UhCtb70Mihbppv5mk9zJPOrLoZAZj2HSi25YaBQYxULM3W7MYtq_36Po6hlhJqY2a0pAqRQqPXIO9aSAMX0G6w"
    static let es256 = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiaWxsaW5nLXNlcnZpY2UiLCJyb2xlIjoibWFuYWdlciIsImlhdCI6MTc2NzIyNTYwMCwibmJmIjoxNzY3MjI1NjAwLCJleHAiOjQxMDI0NDQ4MDAsImlzcyI6ImNvb3JkaW5hdG9yIiwiYXVkIjpbImRhc2hib2FyZCIsImFwaSJdfQ.juAuYuRE3nYz0LdAJaHKp4OmgD4EE7VHcjtqSDa54eEzgsKUMY_lZRdPyDQNe-pBJhMkUnJT3cyIgGEmVTOnsw"
    static let rsaPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvxDY3AJ98HAc/rUGeXl7
        +IF5vb+LLBxnSeenHlJ6b+0/g5PFG5Hj1qMZSDpVoTb/JiCqzgQpFSBILz+8wjGI
        0H8em5qoFi3Rs5lXGBg5uq5V3UMufFcxJg8aWnpSg7/fBISf7yJasCf574aC0gOE
        h/p8xlJX9OCNAaXo6NCG5+4r5rt1RZ/qys58Z/IzNcKyQlT+auIqaYrdvn7rOdxE
        0U5b7LQlQX/4MDnhFv1mF5JYuZnm1kauRO59gcM3gNcDXqXI4zmU6qc5/orSxWO2
        +hm5i4RhzPF5Z4Tua1TBfdL3OsCwysAHAXMIjXr1NHTACGljrIFl9/G20Bq1jfch
        fwIDAQAB
        -----END PUBLIC KEY-----

        """
    static let ecPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWB90sMI+5gXp/D+LjTaI6KVS1rTj
        kM+YQLSaLuLVqQQvh8W8mCjtjNUXu3liRjKPlQG4k0kRfIhSB0AmgDfLAA==
        -----END PUBLIC KEY-----

        """
}
