"""The explorer's screens and modals: explorer, response detail, history, overview,
confirm, second factor, help, drill-down."""
