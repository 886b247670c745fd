/// What an admitted request holds until it settles: `amount` in each of its grant's accounts
/// (the periods it was admitted in) and `tokens` in each of its grant's windows at `second`.
struct Hold {
    let accounts: GrantAccounts
    let second: Int64
    let amount: Int64
    let tokens: Int
}
