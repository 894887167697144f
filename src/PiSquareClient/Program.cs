using IotSquares.Client.CommandLine;

return await ClientCommand.Create(Console.Out, Console.Error).Parse(args).InvokeAsync();
