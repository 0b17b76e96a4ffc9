package main

const exerciseHelp = ``

func cmdExercise(u *ui, args []string) int { return 0 }
