TEST_API_KEY = "Df4Gh5Jk6Lz7Xc8Vb9Nm0Qw1Er2Ty3Ui"  # tokenward: ignore[TW101] test fixture key
# output
TEST_API_KEY = "Df4Gh5Jk6Lz7Xc8Vb9Nm0Qw1Er2Ty3Ui"  # tokenward: ignore[TW101] test fixture key
