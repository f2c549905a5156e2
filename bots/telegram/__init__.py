"""The Telegram channel: python-telegram-bot handlers, HTML rendering, access and webhook."""
