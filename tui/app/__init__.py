"""The Textual face of watchline. Everything below reads the model; nothing owns it."""
