using IotSquares.Bench;
using IotSquares.Transport;

// The load generator times each round trip from its send to the reply's arrival. With socket continuations
// handed to the thread pool, that time also held the generator's own dispatch (a worker's wake-up, often
// behind others that spin for work), and those spinning workers took CPU from the server under test on a
// 2-core machine: the paced p99 then measured the generator more than the server. Inline completions run
// the continuation on the socket engine's thread as the reply arrives, as our programs do. The children
// inherit the setting, which is already their default (SocketEngine), and the C peers ignore it.
SocketEngine.PreferInlineCompletions();
return await BenchCommand.InvokeAsync(args);
