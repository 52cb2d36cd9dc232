"""Elections, rounds, contests (constituencies), candidates and lists, polling stations."""
