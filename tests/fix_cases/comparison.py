def is_admin(password):
    return password == "Gh5Jk6Lz7Xc8Vb9Nm0Qw1Er2Ty3Ui4Op"
# output
import os


def is_admin(password):
    return password == os.environ["PASSWORD"]
