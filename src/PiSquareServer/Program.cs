using IotSquares.Server.CommandLine;

return await ServerCommand.InvokeAsync(args, Console.Out, Console.Error);
