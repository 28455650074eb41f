import HTTP

/// `GET /`: the dashboard page (plain HTML, CSS and JavaScript, no build step), fed by the API and
/// the realtime rooms with the token the user pastes.
struct DashboardFeature: NodeFeature {
    let name = "dashboard"

    func addRoutes(to routes: inout NodeRoutes) {
        let page = Array(DashboardPage.html.utf8)
        routes.operations.getSync("/") { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache",
                                                "Content-Security-Policy": "default-src 'self'; connect-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"],
                         body: page)
        }
    }
}
