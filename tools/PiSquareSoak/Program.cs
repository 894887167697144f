using IotSquares.Soak.CommandLine;

return await SoakCommand.InvokeAsync(args, Console.Out, Console.Error);
