import Coordination

/// The budget figures as clients see them (`check-rate-limit`, `spend`, `cost-monitoring`).
struct BudgetJSON: Encodable {
    var level: String
    var utilization: Double
    var spentTodayMicros: Int64
    var dailyLimitMicros: Int64
    var spentMonthMicros: Int64
    var monthlyBudgetMicros: Int64
    var reservedMicros: Int64
    var dayResetMs: Int64
    var monthResetMs: Int64

    init(_ figures: BudgetFigures) {
        level = figures.level.name
        utilization = figures.utilization
        spentTodayMicros = figures.spentTodayMicros
        dailyLimitMicros = figures.dailyLimitMicros
        spentMonthMicros = figures.spentMonthMicros
        monthlyBudgetMicros = figures.monthlyBudgetMicros
        reservedMicros = figures.reservedMicros
        dayResetMs = figures.dayResetMs
        monthResetMs = figures.monthResetMs
    }
}
