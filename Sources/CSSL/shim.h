// OpenSSL 3 libssl (Debian libssl-dev) for the outbound client's TLS layer. Several libssl calls are
// `SSL_ctrl`/`SSL_CTX_ctrl` macros, which Swift does not import: each one we use is re-exported
// below as a static inline function with the macro's meaning.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>

/// `SSL_CTX_set_min_proto_version`: the lowest protocol version the context negotiates.
static inline int cssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}

/// `SSL_set_tlsext_host_name`: the SNI name sent in the ClientHello.
static inline int cssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

/// `BIO_pending` (a `BIO_ctrl` macro): bytes waiting to be read from a memory BIO.
static inline size_t cssl_bio_pending(BIO *bio) {
    return (size_t)BIO_pending(bio);
}

/// `SSL_CTX_set_mode`. The session retries a write that wanted to read first (a TLS 1.2
/// renegotiation) with the same bytes but from a Swift array that may have moved:
/// SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER allows that.
static inline long cssl_ctx_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

/// The constants Swift cannot import as macros of macros.
static const int CSSL_TLS1_2_VERSION = TLS1_2_VERSION;
static const long CSSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
