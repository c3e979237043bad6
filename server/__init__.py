"""Udkast: drafting and formally agreeing a strategy among several public bodies."""
