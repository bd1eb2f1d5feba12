def broker_url(host):
    broker_url = f'amqp://worker:CXVMk11oHUGCiczMSpxkMzN5E6EU@{host}/jobs'
    return broker_url
# output
import os


def broker_url(host):
    broker_url = f'amqp://worker:{os.environ["BROKER_PASSWORD"]}@{host}/jobs'
    return broker_url
