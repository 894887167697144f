using IotSquares.Server.CommandLine;
using IotSquares.Transport;

SocketEngine.PreferInlineCompletions();
return await ServerCommand.InvokeAsync(args, Console.Out, Console.Error);
