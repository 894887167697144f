using IotSquares.Client.CommandLine;
using IotSquares.Transport;

SocketEngine.PreferInlineCompletions();
return await ClientCommand.RunAsync(args, Console.Out, Console.Error);
