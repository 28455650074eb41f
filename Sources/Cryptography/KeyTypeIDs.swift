import CCrypto

// `EVP_PKEY_EC` and `EVP_PKEY_RSA` are macros naming other macros; spelled through the NIDs they alias
// so the check does not depend on how the importer treats nested macros.
let EVP_PKEY_EC_ID: Int32 = NID_X9_62_id_ecPublicKey
let EVP_PKEY_RSA_ID: Int32 = NID_rsaEncryption
