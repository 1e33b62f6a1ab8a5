"""The notices feature (지원사업 공고): model and store, the 기업마당 importer, alert
subscriptions and `flask notices`.
"""
