import Storage

/// The budget's Lua scripts, each with `BudgetPrelude.lua` (calendar, counters, levels, alerts)
/// prepended: Redis has no shared functions between scripts before 7's FUNCTION, and one source
/// of that logic keeps the rate-limit script and the settlement script deciding alike.
enum BudgetScripts {
    static let settle = RedisScript(lua: PackageResources.BudgetPrelude_lua + PackageResources.BudgetSettle_lua)
    static let state = RedisScript(lua: PackageResources.BudgetPrelude_lua + PackageResources.BudgetState_lua)
    static let rebuild = RedisScript(lua: PackageResources.BudgetPrelude_lua + PackageResources.BudgetRebuild_lua)
}
