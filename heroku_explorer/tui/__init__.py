"""The Textual explorer: the app, its screens, modals, widgets and styles."""
