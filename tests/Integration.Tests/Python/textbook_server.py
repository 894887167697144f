# The textbook's squares server (Parker, "Python: An Introduction to Programming", ch. 13),
# transcribed for the interoperability tests. Changes from the book, each marked "test:":
# it binds the address and port given on the command line (tests use 127.0.0.1 and port 0)
# and prints the port it got; it leaves its loop when the client closes (the book's loop
# would spin forever on recv() returning b''). Like the book's, it serves one client.
import socket
import sys
from random import *

HOST = sys.argv[1]                # test: the book binds '' (every interface)
PORT = int(sys.argv[2])           # test: the book uses 50007

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((HOST, PORT))
s.listen()
print("Listening on port", s.getsockname()[1], flush=True)  # test: tell the test the port
conn, addr = s.accept()
print("Connected to ", addr, flush=True)
data = conn.recv(1024)
print("Server heard '", data, "'", flush=True)
conn.send(b'Hello. Nice to see you.')
while True:
    data = conn.recv(1024)           # Read the incoming data
    if data:
        i = int(data)                # Convert it to integer
        print("Received ", i, flush=True)
        data = str(i*i).encode()     # Square it and convert to bytes
        conn.send(data)              # Send to the client
    else:
        break                        # test: the client closed
conn.close()
