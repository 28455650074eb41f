/// An error from another module that knows its HTTP answer (e.g. a dependency that is down -> 503),
/// so handlers can throw it as is and the router maps it in its one error-mapping place.
public protocol HTTPErrorConvertible: Error {
    var httpError: HTTPError { get }
}
