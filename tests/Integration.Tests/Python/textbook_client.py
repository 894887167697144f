# The textbook's squares client (Parker, "Python: An Introduction to Programming", ch. 13),
# transcribed for the interoperability tests. Changes from the book, each marked "test:":
# the host and port come from the command line (tests use loopback only), and what the
# client receives is printed so that the test can check it (the book's client prints nothing).
import socket
import sys

HOST = sys.argv[1]                # test: the book has the server's LAN address here
PORT = int(sys.argv[2])           # test: the book uses 50007

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect((HOST, PORT))
s.send(b'Hi there!')
data = s.recv(1024)
print(data.decode(), flush=True)  # test: show the greeting
for i in range (0, 100):
    data = str(i).encode()
    s.send (data)
    data = s.recv(1024)
    print(data.decode(), flush=True)  # test: show each square
s.close()
