using IotSquares.Client.CommandLine;

return await ClientCommand.RunAsync(args, Console.Out, Console.Error);
